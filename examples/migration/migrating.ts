// Step 1 of docs/migration.md: the Rollout takes over from the Deployment, which the controller drains.
import { synthWeb } from './web';

synthWeb('migrating');
