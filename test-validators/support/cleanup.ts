import { removeTempDirs } from './run';

// The kubeconform schemas alone are tens of megabytes per run: nothing a test writes outlives its file.
afterAll(removeTempDirs);
