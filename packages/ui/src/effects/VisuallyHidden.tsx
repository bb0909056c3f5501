/** Content for assistive technology only (chart text alternatives). */
import type { HTMLAttributes } from "react";

export type VisuallyHiddenProps = HTMLAttributes<HTMLElement> & {
  /** Element to render (div for tables/lists, span inline). */
  as?: "span" | "div";
};

export function VisuallyHidden({ as: Tag = "span", className, ...rest }: VisuallyHiddenProps) {
  return <Tag className={["chiron-sr-only", className].filter(Boolean).join(" ")} {...rest} />;
}
