// Every page of the app, by who uses it. Each `load` is its own chunk; staff pages (trainer/,
// hr/, admin/) must only ever be reached through these dynamic imports.
import type { RouteDef } from '$lib/router.svelte';

const STAFF = ['trainer', 'hr', 'admin'];

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

  // The staff desk (issue 18) slots in here, one chunk per role.
  { path: '/desk', roles: STAFF, load: () => import('./trainer/Desk.svelte') },
  { path: '/grading', roles: ['trainer', 'admin'], load: () => import('./trainer/Desk.svelte') },
];

export const notFound = () => import('./public/NotFound.svelte');

/** Where a role lands after logging in. */
export function homeOf(role: string): string {
  return STAFF.includes(role) ? '/desk' : '/';
}
