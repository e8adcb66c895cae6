/**
 * Which page is shown, mirrored in the URL hash (#/runs, #/runs/3, #/runs/3/analysis, #/compare/1,2, #/episodes, #/episodes/7, #/experiments, #/morphologies, #/workers) so
 * reloads and links keep it.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; id: number }
  | { page: 'analysis'; id: number }
  | { page: 'compare'; ids: number[] }
  | { page: 'episodes' }
  | { page: 'experiments' }
  | { page: 'morphologies' }
  | { page: 'workers' }
  | { page: 'episode'; id: number };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'runs' && parts[1] && /^\d+$/.test(parts[1])) return parts[2] === 'analysis' ? { page: 'analysis', id: Number(parts[1]) } : { page: 'run', id: Number(parts[1]) };
  if (parts[0] === 'experiments') return { page: 'experiments' };
  if (parts[0] === 'morphologies') return { page: 'morphologies' };
  if (parts[0] === 'workers') return { page: 'workers' };
  if (parts[0] === 'episodes') return parts[1] && /^\d+$/.test(parts[1]) ? { page: 'episode', id: Number(parts[1]) } : { page: 'episodes' };
  if (parts[0] === 'compare') return { page: 'compare', ids: (parts[1] ?? '').split(',').filter((p) => /^\d+$/.test(p)).map(Number) };
  return { page: 'runs' };
}

export function routeHash(r: Route): string {
  switch (r.page) {
    case 'run':
      return `#/runs/${r.id}`;
    case 'analysis':
      return `#/runs/${r.id}/analysis`;
    case 'compare':
      return `#/compare/${r.ids.join(',')}`;
    case 'episodes':
      return '#/episodes';
    case 'experiments':
      return '#/experiments';
    case 'morphologies':
      return '#/morphologies';
    case 'workers':
      return '#/workers';
    case 'episode':
      return `#/episodes/${r.id}`;
    default:
      return '#/runs';
  }
}

export const useNav = defineStore('nav', () => {
  const route = ref<Route>(parseHash(window.location.hash));
  window.addEventListener('hashchange', () => {
    route.value = parseHash(window.location.hash);
  });
  function go(r: Route): void {
    route.value = r;
    const hash = routeHash(r);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  }
  return { route, go };
});
