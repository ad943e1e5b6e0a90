// Small DOM and fetch helpers shared by the dashboard's modules.

/** A new element with an optional class and text. */
export const $ = <T extends HTMLElement = HTMLElement>(tag: string, className = "", text = ""): T => {
  const el = document.createElement(tag) as T;
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
};

/** GET `url` as JSON with the session cookie; null on any failure. */
export async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null;
  }
}
