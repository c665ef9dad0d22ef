"use client";

import { AllHostsNetwork } from "@/components/network/all-hosts-network";

export default function NetworkPage() {
  return <AllHostsNetwork />;
}
