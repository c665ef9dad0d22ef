import type { THostStorage } from "@/server/storage/storage-model";
import type { TStorageOp } from "@/server/storage/ops";

// The shapes the storage page works with (types only: nothing from server/ runs in the
// browser). StorageView is what `storage.read` returns, written out so the pure action
// catalog and its tests can hand-write one; the page assigns the router's output to it
// without a cast, so the compiler flags the day the two part ways.

export type { THostStorage, TStorageOp };
export type TStoragePv = THostStorage["pvs"][number];
export type TStorageVg = THostStorage["vgs"][number];
export type TStorageLv = THostStorage["lvs"][number];
export type TStorageDisk = THostStorage["blockDevices"][number];

export interface ImageFileView {
  path: string;
  format: string;
  virtualSize: number;
  actualSize: number | null;
  backingFile: string | null;
}

export interface StorageView {
  hostId: string;
  hostName: string;
  readAt: string;
  /** Where image files may live on this host (the host's storage roots). */
  roots: string[];
  storage: THostStorage;
  images: ImageFileView[];
  imageErrors: { path: string; message: string }[];
  /** LV or image path -> the inventory's guests whose definition uses it. */
  usedBy: Record<string, string[]>;
}

export interface StoragePreview {
  title: string;
  summary: string;
  warnings: string[];
  steps: { argv: string[]; purpose: string; undo?: string[] | undefined }[];
  script: string;
  nothingToDo: boolean;
}
