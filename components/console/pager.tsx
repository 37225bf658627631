/**
 * "Previous / next page" under a paged console list; `href(n)` builds page n's address (it keeps the list's filters).
 */
export function Pager({
  label,
  page,
  pages,
  href,
  prev,
  next,
}: {
  label: string;
  page: number;
  pages: number;
  href: (n: number) => string;
  prev: string;
  next: string;
}) {
  const link = "text-[#1061d6] underline-offset-2 hover:underline";
  return (
    <nav aria-label={label} className="mt-4 flex gap-4 text-sm">
      {page > 1 ? (
        <a href={href(page - 1)} className={link} rel="prev">
          {prev}
        </a>
      ) : null}
      {page < pages ? (
        <a href={href(page + 1)} className={link} rel="next">
          {next}
        </a>
      ) : null}
    </nav>
  );
}
