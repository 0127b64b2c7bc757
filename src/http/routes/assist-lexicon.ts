import { z } from 'zod';
import { listLexicon } from '../../domain/assist/lexicon.ts';
import { addLexiconWord, removeLexiconWord } from '../../domain/assist/lexicon-commands.ts';
import { route, type AnyRoute } from '../route.ts';

/** The segmentation words of the centre (分词词典), edited by the system administrator. */
export const assistLexiconRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/assist/lexicon',
    summary: "The admins' segmentation words, and how many are read from categories, units and places",
    tag: 'assisted intake',
    access: ['admin'],
    handler: async ({ deps }) => ({ body: await listLexicon(deps.db) }),
  }),
  route({
    method: 'post',
    path: '/api/assist/lexicon',
    summary: 'Add a segmentation word (2–30 characters, no spaces); 409 lexicon_word_exists, 422 lexicon_word_invalid',
    tag: 'assisted intake',
    access: ['admin'],
    body: z.object({ word: z.string().max(200) }).strict(),
    status: 201,
    handler: async ({ deps, actor, body }) => ({ status: 201, body: await addLexiconWord(deps, actor, body.word) }),
  }),
  route({
    method: 'delete',
    path: '/api/assist/lexicon/:word',
    summary: 'Remove a segmentation word; 404 lexicon_word_not_found',
    tag: 'assisted intake',
    access: ['admin'],
    params: z.object({ word: z.string().min(1).max(200) }),
    status: 204,
    handler: async ({ deps, actor, params }) => {
      await removeLexiconWord(deps, actor, params.word);
      return { status: 204 };
    },
  }),
];
