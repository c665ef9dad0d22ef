export { BANNER } from "../../scripts/guest-image/tiny-guest";
export { installTinyGuest, tinyGuestPaths } from "../../scripts/guest-image/install";
