"use client";

import { useLayoutEffect, useRef, useState, type ReactNode } from "react";

const MARGIN_PX = 20;
const MIN_PX = 288;

/** A box from where it starts down to the window's bottom edge, following resizes. */
export function FillToWindowBottom({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    const measure = () => {
      const el = box.current;
      if (!el) return;
      const top = el.getBoundingClientRect().top + window.scrollY;
      setHeight(Math.max(MIN_PX, Math.floor(window.innerHeight - top - MARGIN_PX)));
    };
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, []);
  return (
    <div ref={box} style={{ height: height ?? MIN_PX }} data-testid="fill-to-bottom">
      {children}
    </div>
  );
}
