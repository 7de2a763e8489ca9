import type { Role } from '@dispatch/protocol';
import type { ReactNode } from 'react';
import { BulkImport } from '../admin/BulkImport';
import { OperatorData } from '../admin/OperatorData';
import { RoadNetworks } from '../admin/RoadNetworks';
import { CrewsScreen } from '../admin/CrewsScreen';
import { HospitalsScreen } from '../admin/HospitalsScreen';
import { StationsScreen } from '../admin/StationsScreen';
import { UsersScreen } from '../admin/UsersScreen';
import { VehiclesScreen } from '../admin/VehiclesScreen';
import { DispatcherConsole } from '../dispatcher/DispatcherConsole';
import { RegisterScreen } from '../register/RegisterScreen';
import type { messages } from '../i18n/dictionary';
import { AuditLog } from '../supervisor/AuditLog';
import { IncidentsSection } from '../supervisor/IncidentSearch';
import { LiveBoard } from '../supervisor/LiveBoard';
import { ReportsScreen } from '../supervisor/ReportsScreen';
import type { SectionProps } from './sectionProps';


export interface Section {
  /** The address of the screen: `#/<id>`, so a reload or a shared link opens it again. */
  id: string;
  title: keyof (typeof messages)['zh-CN'];
  /** Who sees it in the navigation; the server's policy still decides every read and change. */
  roles: readonly Role[];
  render(props: SectionProps): ReactNode;
}

/**
 * The console's screens in navigation order. The first one a role may see is its home: a dispatcher's is the
 * dispatching desk (and it gets no navigation bar, being its only screen).
 */
export const sections: readonly Section[] = [
  // An administrator's home is the fleet's reference data; the desk stays a later tab.
  { id: 'stations', title: 'navStations', roles: ['admin'], render: () => <StationsScreen /> },
  { id: 'vehicles', title: 'navVehicles', roles: ['admin'], render: () => <VehiclesScreen /> },
  { id: 'hospitals', title: 'navHospitals', roles: ['admin'], render: () => <HospitalsScreen /> },
  { id: 'users', title: 'navUsers', roles: ['admin'], render: () => <UsersScreen /> },
  { id: 'crews', title: 'navCrews', roles: ['admin'], render: () => <CrewsScreen /> },
  { id: 'board', title: 'navBoard', roles: ['supervisor'], render: () => <LiveBoard /> },
  { id: 'dispatch', title: 'navDispatch', roles: ['dispatcher', 'supervisor', 'admin'], render: (p) => <DispatcherConsole {...p} /> },
  { id: 'reports', title: 'navReports', roles: ['supervisor', 'admin'], render: () => <ReportsScreen /> },
  { id: 'incidents', title: 'navIncidents', roles: ['supervisor'], render: (p) => <IncidentsSection {...p} /> },
  { id: 'audit', title: 'navAudit', roles: ['supervisor', 'admin'], render: () => <AuditLog /> },
  { id: 'roads', title: 'navRoads', roles: ['admin'], render: () => <RoadNetworks /> },
  { id: 'settings', title: 'navSettings', roles: ['admin'], render: () => <OperatorData /> },
  { id: 'import', title: 'navImport', roles: ['admin'], render: () => <BulkImport /> },
  { id: 'register', title: 'navRegister', roles: ['supervisor', 'admin'], render: () => <RegisterScreen /> },
];

export function sectionsFor(role: Role): Section[] {
  return sections.filter((s) => s.roles.includes(role));
}
