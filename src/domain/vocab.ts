/** The closed vocabularies live in the contract shared with the web app (src/contract/vocab.ts); the domain reads them here. */
export * from '../contract/vocab.ts';
