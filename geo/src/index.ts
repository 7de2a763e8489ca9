// Public API of @dispatch/geo. Each area adds its own lines.
export { activeNetworkId, importRoads, recostRegion, RoadImportError } from './import/importRoads';
export type { ImportOptions, ImportReport, RoadFormat } from './import/importRoads';
export { DEMO_REGION, generateDemoCounty, importDemoCounty, writeDemoCounty } from './demo/demoCounty';
export type { DemoCounty, DemoHospital, DemoStation, Place } from './demo/demoCounty';
