-- AlterTable
ALTER TABLE "Host" ADD COLUMN "qemuRunAs" TEXT;

-- AlterTable
ALTER TABLE "Guest" ADD COLUMN "createdImagesJson" TEXT;

