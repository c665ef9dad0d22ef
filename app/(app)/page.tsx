import { HostsOverview } from "@/components/hosts/hosts-overview";

export default function HostsPage() {
  return <HostsOverview />;
}
