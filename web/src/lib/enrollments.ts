// The teacher's enrolments by course id (the catalogue carries no enrolled/progress flags yet).
import { api, type Schemas } from './api';

export type Enrollment = Schemas['EnrollmentView'];

export async function myEnrollments(): Promise<Map<number, Enrollment>> {
  const { data } = await api.GET('/api/v1/me/enrollments', { params: { query: { per_page: 200 } } });
  return new Map((data?.items ?? []).map((e) => [e.course_id, e]));
}
