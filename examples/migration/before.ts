// Step 0 of docs/migration.md: the Deployment behind a Service, as it runs today.
import { synthWeb } from './web';

synthWeb('before');
