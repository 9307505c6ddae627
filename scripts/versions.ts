import { versionsReport } from '../lib/versions-report';

// `npm run versions`: the pinned images with whether each line's support has ended, as of today. It only reports
// (exit 0 whatever it finds): CI prints it, and the tests judge the table against fixed dates, never the clock.
process.stdout.write(versionsReport(new Date()));
