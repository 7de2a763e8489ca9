import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LangProvider } from '@dispatch/ui';
import 'leaflet/dist/leaflet.css';
import { App } from './App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider storageKey="dispatch120.lang">
      <App />
    </LangProvider>
  </StrictMode>,
);
