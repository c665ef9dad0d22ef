import type { Metadata } from "next";
import { ImportCommandLine } from "@/components/guests/import-command-line";

export const metadata: Metadata = { title: "Import a guest" };

export default function ImportGuestPage() {
  return <ImportCommandLine />;
}
