import { Children, cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";

/** A white panel with a heading, as on the cashier page. */
export function Card({
  title,
  id,
  children,
  action,
}: {
  title: string;
  id: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded-2xl bg-white p-5 shadow-sm">
      <div className="mb-3 flex items-baseline justify-between gap-4">
        <h2 id={id} className="text-base font-semibold text-gray-900">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

/**
 * A table: columns on a screen from `sm` up (scrolling sideways if it must). On a phone, one card per row with each
 * cell as `label: value` (the head's label, given to each cell here, so every console table gets the phone layout
 * from this one component); or, for a table of short figures whose cards would be long (`priority` given), the
 * table stays and only the columns at those indexes are shown. Rows are the caller's `<tr>`s of `Cell`s, one per
 * head entry, in order.
 */
export function Table({
  head,
  children,
  label,
  priority,
}: {
  head: string[];
  children: ReactNode;
  label: string;
  priority?: readonly number[];
}) {
  const phone: PhoneLayout = priority ? "columns" : "cards";
  const shownOnPhone = (i: number) => !priority || priority.includes(i);
  const rows = Children.map(children, (row) => {
    if (!isValidElement<{ children?: ReactNode }>(row)) return row;
    let column = 0;
    const cells = Children.map(row.props.children, (cell) => {
      if (!isValidElement(cell)) return cell;
      const i = column++;
      const heading = head[i] ?? "";
      return cell.type === Cell
        ? cloneElement(cell as ReactElement<CellProps>, { label: heading, phone, hiddenOnPhone: !shownOnPhone(i) })
        : cloneElement(cell as ReactElement<{ "data-label"?: string }>, { "data-label": heading });
    });
    return cloneElement(row, undefined, cells);
  });
  const cards = phone === "cards";
  return (
    <div className={cards ? "sm:overflow-x-auto" : "overflow-x-auto"}>
      <table className={`w-full text-left text-sm ${cards ? "max-sm:block" : ""}`} aria-label={label}>
        <thead className={`border-b border-gray-200 text-gray-600 ${cards ? "max-sm:sr-only" : ""}`}>
          <tr>
            {head.map((h, i) => (
              <th
                key={`${i}-${h}`}
                scope="col"
                className={`px-2 py-2 font-medium whitespace-nowrap ${shownOnPhone(i) ? "" : "max-sm:hidden"}`}
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-gray-100 text-gray-800 ${cards ? PHONE_CARDS : ""}`}>{rows}</tbody>
      </table>
    </div>
  );
}

type PhoneLayout = "cards" | "columns";

const PHONE_CARDS =
  "max-sm:block max-sm:divide-y-0 max-sm:space-y-3 max-sm:[&>tr]:block max-sm:[&>tr]:rounded-xl " +
  "max-sm:[&>tr]:border max-sm:[&>tr]:border-gray-200 max-sm:[&>tr]:p-2";

interface CellProps {
  children: ReactNode;
  mono?: boolean;
  /** The column's head, set by Table: shown before the value on a phone card, where there is no head row. */
  label?: string;
  /** Set by Table. */
  phone?: PhoneLayout;
  hiddenOnPhone?: boolean;
}

const PHONE_CARD_CELL =
  "max-sm:flex max-sm:items-baseline max-sm:justify-between max-sm:gap-3 max-sm:px-1 max-sm:py-1 max-sm:text-right " +
  "max-sm:before:shrink-0 max-sm:before:text-left max-sm:before:font-sans max-sm:before:text-sm " +
  "max-sm:before:text-gray-600 max-sm:before:content-[attr(data-label)]";

export function Cell({ children, mono, label, phone = "cards", hiddenOnPhone }: CellProps) {
  const onPhone = hiddenOnPhone ? "max-sm:hidden" : phone === "cards" ? PHONE_CARD_CELL : "";
  return (
    <td data-label={label} className={`px-2 py-2 align-top ${onPhone} ${mono ? "font-mono text-xs break-all" : ""}`}>
      {/* On a phone card the cell is a row of two: its label, then this (which may hold several blocks). */}
      <div className="max-sm:min-w-0 max-sm:[overflow-wrap:anywhere]">{children}</div>
    </td>
  );
}
