"use client";

import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Empty, Notice } from "../ui/states";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import { Bytes } from "./bytes";
import type { OpRequest } from "./op-panel";
import type { StorageView } from "./storage-types";

// Free disks (whole disks with nothing on them: the only ones offered for a PV) and the
// image files under the host's roots. Row buttons only open a form; nothing here changes
// a host.

type OnAction = (r: OpRequest) => void;

export function FreeDiskTable({ view, canEdit, onAction }: { view: StorageView; canEdit: boolean; onAction: OnAction }) {
  const disks = view.storage.freeDisks;
  return (
    <Card
      title="Free disks"
      description="Whole disks with no partition table, signature, mount or holder. Anything uncertain is left out."
      testId="free-disk-card"
      bodyClassName={disks.length ? "p-0" : "p-4"}
    >
      {disks.length === 0 ? (
        <Empty>No free disks.</Empty>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Device</Th>
              <Th>Size</Th>
              <Th>Serial</Th>
              {canEdit && <Th />}
            </tr>
          </THead>
          <tbody>
            {disks.map((d) => (
              <Tr key={d.path} data-testid="free-disk-row" data-device={d.path} data-serial={d.serial ?? ""}>
                <Td className="font-mono text-xs">{d.path}</Td>
                <Td>
                  <Bytes value={d.sizeBytes} />
                </Td>
                <Td className="font-mono text-xs">{d.serial ?? ""}</Td>
                {canEdit && (
                  <Td className="space-x-1 text-right whitespace-nowrap">
                    <Button
                      size="sm"
                      onClick={() => onAction({ action: "pv.create", fixed: { device: d.path } })}
                      data-testid="disk-pv-create"
                    >
                      Create PV
                    </Button>
                    <Button
                      size="sm"
                      onClick={() => onAction({ action: "vg.create", fixed: {}, preset: { devices: d.path } })}
                      data-testid="disk-vg-create"
                    >
                      Create VG
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

export function ImageTable({ view, canEdit, onAction }: { view: StorageView; canEdit: boolean; onAction: OnAction }) {
  const { images, imageErrors } = view;
  return (
    <Card
      title="Image files"
      description={`Disk images under ${view.roots.join(", ")} (two levels deep).`}
      testId="image-card"
      bodyClassName={images.length ? "p-0" : "p-4"}
      actions={
        canEdit && (
          <>
            <Button size="sm" onClick={() => onAction({ action: "image.create", fixed: {} })} data-testid="image-create">
              New image
            </Button>
            <Button size="sm" onClick={() => onAction({ action: "rootfile.create", fixed: {} })} data-testid="rootfile-create">
              Root/swap file
            </Button>
          </>
        )
      }
    >
      {imageErrors.length > 0 && (
        <Notice tone="warning" className="m-3" testId="image-errors">
          <ul>
            {imageErrors.map((e) => (
              <li key={e.path}>
                <span className="font-mono text-xs">{e.path}</span>: {e.message}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {images.length === 0 ? (
        <Empty>No image files under the roots.</Empty>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Path</Th>
              <Th>Format</Th>
              <Th>Virtual size</Th>
              <Th>On disk</Th>
              <Th>Backing file</Th>
              <Th>Used by</Th>
              {canEdit && <Th />}
            </tr>
          </THead>
          <tbody>
            {images.map((img) => (
              <Tr key={img.path} data-testid="image-row" data-path={img.path}>
                <Td className="font-mono text-xs break-all">{img.path}</Td>
                <Td data-testid="image-format">{img.format}</Td>
                <Td>
                  <Bytes value={img.virtualSize} testId="image-size" />
                </Td>
                <Td>{img.actualSize === null ? "" : <Bytes value={img.actualSize} />}</Td>
                <Td className="font-mono text-xs break-all">{img.backingFile ?? ""}</Td>
                <Td>
                  {(view.usedBy[img.path] ?? []).map((g) => (
                    <Badge key={g} tone="violet" className="mr-1">
                      guest {g}
                    </Badge>
                  ))}
                </Td>
                {canEdit && (
                  <Td className="space-x-1 text-right whitespace-nowrap">
                    <Button
                      size="sm"
                      onClick={() => onAction({ action: "image.resize", fixed: { path: img.path } })}
                      data-testid="image-resize"
                    >
                      Resize
                    </Button>
                    <Button
                      size="sm"
                      onClick={() => onAction({ action: "image.convert", fixed: { path: img.path } })}
                      data-testid="image-convert"
                    >
                      Convert
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
