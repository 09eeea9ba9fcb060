import type { ReactNode } from 'react';

/** One labelled value of a {@link Facts} list; `id` is its test id. */
export interface Fact {
  readonly label: string;
  readonly value: ReactNode;
  readonly id: string;
}

/** A definition list of facts, as the privacy and experiments pages show them. */
export function Facts({
  facts,
  className = 'facts',
}: {
  readonly facts: readonly Fact[];
  readonly className?: string;
}) {
  return (
    <dl className={className}>
      {facts.map((fact) => (
        <div key={fact.id}>
          <dt>{fact.label}</dt>
          <dd data-testid={fact.id}>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}
