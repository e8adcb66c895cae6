/** The page's one API connection (Electron bridge or web mode), created at start-up. */
import { connect } from './client';

export const api = connect();
