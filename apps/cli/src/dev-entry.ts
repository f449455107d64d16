// Runs the CLI from source (tests spawn it with `node --conditions=dev-source --import tsx`).
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2));
