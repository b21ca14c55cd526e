// Files the API serves behind the bearer token (print pages, CSV, credentials) cannot be plain
// links: fetch them through the client and hand the browser a blob.
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.dataset.external = '';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Opens HTML in a new tab (print pages). Call from a click so pop-up blockers allow it. */
export function openHtml(win: Window | null, html: string) {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  if (win) win.location.href = url;
  else window.location.href = url;
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Shares a link with the system sheet, or copies it. Resolves true when copied. */
export async function shareLink(url: string, title: string): Promise<boolean> {
  if (navigator.share) {
    try {
      await navigator.share({ url, title });
      return false;
    } catch {
      // cancelled: fall through to copy
    }
  }
  try {
    await navigator.clipboard.writeText(url);
    return true;
  } catch {
    window.prompt(title, url);
    return false;
  }
}
