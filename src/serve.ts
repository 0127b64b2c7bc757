/** The entry of the server bundle `npm start` runs (built by src/ops/bundle.ts before each start): the app, nothing else. */
import { runMain } from './main.ts';

runMain();
