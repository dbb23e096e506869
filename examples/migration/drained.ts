// Step 2 of docs/migration.md: once the Rollout is healthy and the Deployment has no pods, the Deployment is written with 0 replicas.
import { synthWeb } from './web';

synthWeb('drained');
