import type { Metadata } from "next";
import { GuestsOverview } from "@/components/guests/guests-overview";

export const metadata: Metadata = { title: "Guests" };

export default function GuestsPage() {
  return <GuestsOverview />;
}
