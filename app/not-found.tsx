import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md px-4 pt-[15vh] text-center">
      <h1 className="text-lg font-semibold">No such page</h1>
      <p className="mt-1 text-slate-600">The address does not match any Labdeck page.</p>
      <Link href="/" className="mt-3 inline-block text-blue-700 hover:underline">
        Back to the hosts
      </Link>
    </div>
  );
}
