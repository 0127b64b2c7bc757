import { useEffect, useState } from 'preact/hooks';

export type Location = { path: string; query: URLSearchParams };
const read = (): Location => ({ path: window.location.pathname, query: new URLSearchParams(window.location.search) });

/** History-API navigation inside the single-page app (Koa serves index.html for every non-API path). */
export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  window.history[opts.replace ? 'replaceState' : 'pushState'](null, '', to);
  window.dispatchEvent(new Event('jiesu:navigate'));
}

export function useLocation(): Location {
  const [loc, set] = useState(read);
  useEffect(() => {
    const update = () => set(read());
    window.addEventListener('popstate', update);
    window.addEventListener('jiesu:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('jiesu:navigate', update);
    };
  }, []);
  return loc;
}

/** Intercepts a plain left click on an in-app link. */
export function linkClick(e: MouseEvent) {
  const a = e.currentTarget as HTMLAnchorElement;
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href')!);
}
