// Where a lesson's content is: `media_url` for video lessons, `content` for text and
// document lessons. Clips under /media/ ship a WebVTT caption file of the same name.
import type { Schemas } from './api';

type Lesson = Schemas['LessonView'];

export interface LessonMedia {
  src: string | null;
  captions: string | null;
  content: string | null;
}

export function mediaOf(lesson: Lesson): LessonMedia {
  const content = lesson.content || null;
  if (lesson.kind !== 'video' || !lesson.media_url) return { src: null, captions: null, content };
  const src = lesson.media_url;
  const captions = /^\/media\/[^?#]+\.webm$/.test(src) ? src.replace(/\.webm$/, '.vtt') : null;
  return { src, captions, content };
}
