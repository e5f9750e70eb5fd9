/**
 * SVG → PNG with resvg (WebAssembly), text set in Arimo (metric-compatible
 * with Arial / Helvetica, matching the widths the SVG layout assumed). The
 * font files come from the pinned `@expo-google-fonts/arimo` npm package, so
 * the PNG bytes do not depend on the fonts installed on the machine.
 *
 * @module
 */

import { initWasm, Resvg } from "@resvg/resvg-wasm";
// Imported so the font package is part of the module graph (and so installed); the files are read below.
import _arimoMetadata from "@expo-google-fonts/arimo/metadata.json" with { type: "json" };
import { join } from "node:path";
import { packageRoot } from "./_bundles.ts";

let ready: Promise<Uint8Array[]> | undefined;

function init(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    await initWasm(await Deno.readFile(join(packageRoot("@resvg/resvg-wasm"), "index_bg.wasm")));
    const fonts = packageRoot("@expo-google-fonts/arimo");
    return [
      await Deno.readFile(join(fonts, "400Regular", "Arimo_400Regular.ttf")),
      await Deno.readFile(join(fonts, "700Bold", "Arimo_700Bold.ttf")),
    ];
  })();
  return ready;
}

/** Options for {@linkcode svgToPng}. */
export interface SvgToPngOptions {
  /** Output pixels per SVG pixel (default 2). */
  scale?: number;
}

/** Rasterises an SVG document to PNG bytes; deterministic for the same SVG and scale. */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const fontBuffers = await init();
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    font: { fontBuffers, defaultFontFamily: "Arimo", sansSerifFamily: "Arimo" },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
