// Where a lesson's content is. The API's lessons do not carry `media_url`/`content` yet: until
// they do, video lessons play the demo clips shipped under /media/ (labelled as samples).
import type { Schemas } from './api';

type Lesson = Schemas['LessonView'];

const SAMPLES = ['/media/trial-1.webm', '/media/trial-2.webm', '/media/trial-3.webm'];

function field(lesson: Lesson, name: string): string | null {
  const value = (lesson as Record<string, unknown>)[name];
  return typeof value === 'string' && value ? value : null;
}

export interface LessonMedia {
  src: string | null;
  captions: string | null;
  sample: boolean;
  content: string | null;
}

export function mediaOf(lesson: Lesson, index: number): LessonMedia {
  const url = field(lesson, 'media_url');
  const content = field(lesson, 'content');
  if (lesson.kind !== 'video') return { src: null, captions: null, sample: false, content };
  if (url) return { src: url, captions: field(lesson, 'captions_url'), sample: false, content };
  const sample = SAMPLES[index % SAMPLES.length]!;
  return { src: sample, captions: sample.replace(/\.webm$/, '.vtt'), sample: true, content };
}
