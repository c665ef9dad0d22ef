import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/components/trpc-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Labdeck", template: "%s · Labdeck" },
  description: "Virtualization lab hosts over SSH",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans text-sm">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
