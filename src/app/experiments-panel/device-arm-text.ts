import type { DeviceExperimentStatus } from '../../worker/recommender-types';

/** Where this device stands in one experiment, in words (its arm is known only here). */
export function deviceArmText(device: DeviceExperimentStatus | undefined): string {
  if (!device) {
    return 'Not taking part: a device joins only with your federated-learning consent (privacy page), from the next page load on.';
  }
  const arm =
    device.armId === null
      ? ''
      : `arm “${device.armId}”${device.holdout ? ' (holdout: no recommendation rows)' : ''}`;
  switch (device.state) {
    case 'assigned':
      return `In ${arm}; ${device.exposed ? 'exposed (a row of the arm was seen)' : 'not exposed yet (no row of the arm seen)'}.`;
    case 'ended':
      return `Was in ${arm}; the experiment ended${device.message ? `: ${device.message}` : '.'}`;
    case 'not-enrolled':
      return 'Not enrolled: this device falls outside the experiment’s coverage and sees the default rows.';
    case 'not-started':
      return `Not started yet${device.message ? `: ${device.message}` : '.'}`;
    case 'refused':
      return `Refused by this device: ${device.message ?? 'its definition cannot run here.'}`;
  }
}
