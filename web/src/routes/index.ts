// Every page of the app, by who uses it. Each `load` is its own chunk; staff pages (trainer/,
// hr/, admin/) must only ever be reached through these dynamic imports.
import type { RouteDef } from '$lib/router.svelte';

const STAFF = ['trainer', 'hr', 'admin'];
/** Who runs sessions and research events (the API's ManageTraining). */
const RUNNERS = ['trainer', 'admin'];
const SESSION = { kind: 'session' };
const EVENT = { kind: 'event' };

export const routes: RouteDef[] = [
  { path: '/login', public: true, load: () => import('./public/Login.svelte') },
  { path: '/check', public: true, load: () => import('./public/Verify.svelte') },
  { path: '/check/:code', public: true, load: () => import('./public/Verify.svelte') },

  { path: '/', load: () => import('./teacher/Home.svelte') },
  { path: '/courses', load: () => import('./teacher/Courses.svelte') },
  { path: '/courses/:id', load: () => import('./teacher/Course.svelte') },
  { path: '/courses/:course/lessons/:id', load: () => import('./teacher/Lesson.svelte') },
  { path: '/sessions', load: () => import('./teacher/Sessions.svelte') },
  { path: '/sessions/:id', load: () => import('./teacher/Session.svelte') },
  { path: '/sessions/:id/sign-in', load: () => import('./teacher/SignIn.svelte') },
  { path: '/research-events/:id/sign-in', load: () => import('./teacher/SignIn.svelte') },
  { path: '/scan', load: () => import('./teacher/Scan.svelte') },
  { path: '/exams', load: () => import('./teacher/Exams.svelte') },
  { path: '/attempts/:id', load: () => import('./teacher/Attempt.svelte') },
  { path: '/certificates', load: () => import('./teacher/Certificates.svelte') },
  { path: '/certificates/:id', load: () => import('./teacher/Certificate.svelte') },
  { path: '/transcript', load: () => import('./teacher/Transcript.svelte') },
  { path: '/research-events', load: () => import('./teacher/Research.svelte') },
  { path: '/me/research-events', load: () => import('./teacher/Research.svelte') },
  { path: '/workload', load: () => import('./teacher/Workload.svelte') },
  { path: '/notifications', load: () => import('./teacher/Notifications.svelte') },
  { path: '/me', load: () => import('./teacher/Me.svelte') },

  // The staff desk (issue 18): one chunk per page, each reached only through these imports.
  { path: '/desk', roles: STAFF, load: () => import('./desk/Desk.svelte') },
  // Offline sessions and research events: the same three pages, told the occasion's kind.
  { path: '/desk/sessions', roles: RUNNERS, props: SESSION, load: () => import('./trainer/Occasions.svelte') },
  { path: '/desk/sessions/:id', roles: RUNNERS, props: SESSION, load: () => import('./trainer/Roster.svelte') },
  { path: '/desk/sessions/:id/projector', roles: RUNNERS, props: SESSION, load: () => import('./trainer/Projector.svelte') },
  { path: '/desk/research-events', roles: RUNNERS, props: EVENT, load: () => import('./trainer/Occasions.svelte') },
  { path: '/desk/research-events/:id', roles: RUNNERS, props: EVENT, load: () => import('./trainer/Roster.svelte') },
  { path: '/desk/research-events/:id/projector', roles: RUNNERS, props: EVENT, load: () => import('./trainer/Projector.svelte') },
  { path: '/grading', roles: ['trainer', 'admin'], load: () => import('./trainer/Grading.svelte') },
  { path: '/desk/credits', roles: ['hr', 'admin'], load: () => import('./hr/Credits.svelte') },
  { path: '/desk/teachers/:id', roles: ['hr', 'admin'], load: () => import('./hr/Record.svelte') },
  { path: '/desk/verify', roles: ['hr', 'admin'], load: () => import('./hr/Verify.svelte') },
  { path: '/desk/dashboard', roles: ['hr', 'admin'], load: () => import('./admin/Dashboard.svelte') },
  { path: '/desk/org', roles: ['admin'], load: () => import('./admin/Org.svelte') },
  { path: '/desk/import', roles: ['admin'], load: () => import('./admin/Import.svelte') },
  { path: '/desk/courses', roles: ['admin', 'trainer'], load: () => import('./admin/Courses.svelte') },
  { path: '/desk/banks', roles: ['admin', 'trainer'], load: () => import('./admin/Banks.svelte') },
  { path: '/desk/exams', roles: ['admin', 'trainer'], load: () => import('./admin/Exams.svelte') },
  { path: '/desk/rule-sets', roles: ['admin'], load: () => import('./admin/RuleSets.svelte') },
  { path: '/desk/outbox', roles: ['admin'], load: () => import('./admin/Outbox.svelte') },
  { path: '/desk/audit', roles: ['admin'], load: () => import('./admin/Audit.svelte') },
  { path: '/desk/teachers', roles: ['admin'], load: () => import('./admin/Teachers.svelte') },
  { path: '/desk/titles', roles: ['admin', 'hr'], load: () => import('./admin/Titles.svelte') },
  { path: '/desk/commendations', roles: ['admin', 'hr'], load: () => import('./admin/Commendations.svelte') },
];

export const notFound = () => import('./public/NotFound.svelte');

/** Where a role lands after logging in. */
export function homeOf(role: string): string {
  return STAFF.includes(role) ? '/desk' : '/';
}
