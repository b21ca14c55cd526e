// Reads QR codes from the camera or from a picture: the browser's BarcodeDetector where it
// exists, otherwise jsQR (loaded only here, on first use, so no first load carries it).
type Source = HTMLVideoElement | ImageBitmap | HTMLImageElement | HTMLCanvasElement;
type Detect = (source: Source, canvas: HTMLCanvasElement) => Promise<string | null>;

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (opts: { formats: string[] }) => BarcodeDetectorLike;
  }
}

function size(source: Source): [number, number] {
  if (source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  return [source.width, source.height];
}

export async function detector(): Promise<Detect> {
  if (window.BarcodeDetector) {
    try {
      const d = new window.BarcodeDetector({ formats: ['qr_code'] });
      return async (source) => (await d.detect(source))[0]?.rawValue ?? null;
    } catch {
      // unsupported format on this platform: fall back
    }
  }
  const { default: jsQR } = await import('jsqr');
  return async (source, canvas) => {
    const [w, h] = size(source);
    if (!w || !h) return null;
    // Camera frames come several a second: small and one pass. A still picture gets one try:
    // larger, and light-on-dark codes too.
    const still = !(source instanceof HTMLVideoElement);
    const scale = Math.min(1, (still ? 1024 : 640) / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(img.data, img.width, img.height, { inversionAttempts: still ? 'attemptBoth' : 'dontInvert' })?.data ?? null;
  };
}

/** The QR code in a picture file (a photo or a scan of a certificate), or null. */
export async function readImage(file: Blob, canvas: HTMLCanvasElement): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return await (await detector())(bitmap, canvas);
  } finally {
    bitmap.close();
  }
}
