/** The page's error paragraph (announced to screen readers), or nothing without an error. */
export function ErrorAlert({ error }: { readonly error: string | null }) {
  return error === null ? null : (
    <p className="error" role="alert">
      {error}
    </p>
  );
}
