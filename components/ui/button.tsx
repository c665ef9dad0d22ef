import type { ButtonHTMLAttributes } from "react";
import { cx } from "./cx";
import { Spinner } from "./spinner";

type Variant = "primary" | "secondary" | "danger" | "ghost" | "inverse";

const VARIANTS: Record<Variant, string> = {
  primary: "theme-fixed bg-blue-600 text-white hover:bg-blue-700 border-blue-700 disabled:bg-blue-300 disabled:border-blue-300",
  secondary: "bg-white text-slate-800 hover:bg-slate-50 border-slate-300 disabled:text-slate-400",
  danger: "theme-fixed bg-red-600 text-white hover:bg-red-700 border-red-700 disabled:bg-red-300 disabled:border-red-300",
  ghost: "bg-transparent text-slate-700 hover:bg-slate-200/70 border-transparent disabled:text-slate-400",
  inverse: "theme-fixed bg-transparent text-slate-200 hover:bg-slate-800 hover:text-white border-slate-700 disabled:text-slate-500",
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: "sm" | "md";
  /** Shows a spinner and disables the button while work is under way. */
  pending?: boolean;
}

export function buttonClass(variant: Variant = "secondary", size: "sm" | "md" = "md"): string {
  return cx(
    "inline-flex items-center justify-center gap-1.5 rounded border font-medium shadow-xs transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-500 disabled:cursor-not-allowed",
    size === "sm" ? "h-7 px-2 text-xs" : "h-8 px-3 text-sm",
    VARIANTS[variant],
  );
}

export function Button({
  variant = "secondary",
  size = "md",
  pending = false,
  className,
  disabled,
  children,
  type = "button",
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={cx(buttonClass(variant, size), className)}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...rest}
    >
      {pending && <Spinner />}
      {children}
    </button>
  );
}
