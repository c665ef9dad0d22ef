import type { Metadata } from "next";
import { NewHost } from "@/components/hosts/new-host";

export const metadata: Metadata = { title: "Add host" };

export default function NewHostPage() {
  return <NewHost />;
}
