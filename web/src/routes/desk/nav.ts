// The staff desk's pages, by role: the side navigation and where each role lands on /desk.
import { t } from '$lib/i18n';

export interface DeskLink {
  href: string;
  label: string;
  roles: string[];
}

const n = t.staff.nav;
export const DESK_LINKS: DeskLink[] = [
  { href: '/desk/dashboard', label: n.dashboard, roles: ['admin', 'hr'] },
  { href: '/desk/sessions', label: n.sessions, roles: ['trainer', 'admin'] },
  { href: '/desk/research-events', label: n.events, roles: ['trainer', 'admin'] },
  { href: '/grading', label: n.grading, roles: ['trainer', 'admin'] },
  { href: '/desk/credits', label: n.credits, roles: ['hr', 'admin'] },
  { href: '/desk/verify', label: n.verify, roles: ['hr', 'admin'] },
  { href: '/desk/org', label: n.org, roles: ['admin'] },
  { href: '/desk/import', label: n.import, roles: ['admin'] },
  { href: '/desk/teachers', label: n.teachers, roles: ['admin'] },
  { href: '/desk/titles', label: n.titles, roles: ['admin', 'hr'] },
  { href: '/desk/commendations', label: n.commendations, roles: ['admin', 'hr'] },
  { href: '/desk/courses', label: n.courses, roles: ['admin', 'trainer'] },
  { href: '/desk/banks', label: n.banks, roles: ['admin', 'trainer'] },
  { href: '/desk/exams', label: n.exams, roles: ['admin', 'trainer'] },
  { href: '/desk/rule-sets', label: n.ruleSets, roles: ['admin'] },
  { href: '/desk/outbox', label: n.outbox, roles: ['admin'] },
  { href: '/desk/audit', label: n.audit, roles: ['admin'] },
];

export function linksFor(role: string): DeskLink[] {
  return DESK_LINKS.filter((l) => l.roles.includes(role));
}
