/** Shared by the client toggle and the server layout (no React imports here). */
export const ANIMATIONS_KEY = "chiron.animations";

/**
 * Inline <head> script: sets data-motion before first paint so a reload with
 * animations off never flashes the aurora and grain.
 */
export const motionBootScript = `try{var m=localStorage.getItem(${JSON.stringify(ANIMATIONS_KEY)})==="off"||matchMedia("(prefers-reduced-motion: reduce)").matches;document.documentElement.dataset.motion=m?"off":"on"}catch(e){}`;
