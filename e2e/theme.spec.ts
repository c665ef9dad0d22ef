import { expect, test, type Page } from "@playwright/test";

// The theme follows the system until the user picks one, and the pick survives a reload.

async function bodyLightness(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.createElement("canvas").getContext("2d");
    if (!c) return -1;
    c.fillStyle = getComputedStyle(document.body).backgroundColor;
    c.fillRect(0, 0, 1, 1);
    const [r = 0, g = 0, b = 0] = c.getImageData(0, 0, 1, 1).data;
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

test("dark when the system is dark, then the toggle picks light and dark, kept across reloads", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  expect(await bodyLightness(page)).toBeLessThan(0.2);
  const toggle = page.getByTestId("theme-toggle");
  await expect(toggle).toHaveAttribute("data-theme", "system");

  await toggle.click();
  await expect(toggle).toHaveAttribute("data-theme", "dark");
  await toggle.click();
  await expect(toggle).toHaveAttribute("data-theme", "light");
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  expect(await bodyLightness(page)).toBeGreaterThan(0.8);

  await page.reload();
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  await expect(page.getByTestId("theme-toggle")).toHaveAttribute("data-theme", "light");

  await page.getByTestId("theme-toggle").click();
  await expect(page.getByTestId("theme-toggle")).toHaveAttribute("data-theme", "system");
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
});
