/** One "export CSV" link of a console list. */
export interface ExportLink {
  href: string;
  testId: string;
  label: string;
}

/** A console page's title with its export links on the right (they wrap under the title on a phone). */
export function ExportTitle({ title, links }: { title: string; links: readonly ExportLink[] }) {
  const anchors = links.map((l) => (
    <a
      key={l.testId}
      href={l.href}
      className="text-sm text-[#1061d6] underline-offset-2 hover:underline"
      data-testid={l.testId}
    >
      {l.label}
    </a>
  ));
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
      <h1 className="text-xl font-semibold text-gray-900">{title}</h1>
      {anchors.length > 1 ? <span className="flex gap-4">{anchors}</span> : anchors}
    </div>
  );
}
