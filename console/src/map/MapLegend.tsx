import { colourOf, LOAD_COLOURS, PRIORITY_COLOURS, vehicleColour } from '@dispatch/ui';
import { HospitalLoad } from '@dispatch/protocol';
import { useI18n } from '../i18n/i18n';

/** Vehicle colours as the map, the fleet board and the tablet use them: by state, and by task step when busy. */
const VEHICLE_KEYS = [
  ['available', null, 'vehicleState'],
  ['returning', null, 'vehicleState'],
  ['busy', 'en_route', 'taskStatus'],
  ['busy', 'on_scene', 'taskStatus'],
  ['busy', 'transporting', 'taskStatus'],
  ['busy', 'at_hospital', 'taskStatus'],
  ['out_of_service', null, 'vehicleState'],
] as const;

/** What each colour and symbol on the map stands for. */
export function MapLegend() {
  const { t, label } = useI18n();
  const swatch = (colour: string, round = true) => <span className={round ? 'legend-dot' : 'legend-square'} style={{ background: colour }} />;
  return (
    <div className="legend" data-testid="map-legend">
      <div className="legend-group">
        <div className="legend-title">{t('layerVehicles')}</div>
        {VEHICLE_KEYS.map(([state, step, table]) => (
          <div key={`${state}-${step}`}>
            {swatch(vehicleColour(state, step))} {label(table, step ?? state)}
          </div>
        ))}
      </div>
      <div className="legend-group">
        <div className="legend-title">{t('layerIncidents')}</div>
        {([1, 2, 3, 4] as const).map((p) => (
          <div key={p}>
            {swatch(colourOf(PRIORITY_COLOURS, p))} {label('priority', p)}
          </div>
        ))}
      </div>
      <div className="legend-group">
        <div className="legend-title">{t('layerHospitals')}</div>
        {HospitalLoad.options.map((l) => (
          <div key={l}>
            <span className={`legend-h load-${l}`} style={{ background: colourOf(LOAD_COLOURS, l) }}>H</span> {label('load', l)}
          </div>
        ))}
        <div>
          <span className="legend-station" /> {t('layerStations')}
        </div>
        <div>
          <span className="legend-route" /> {t('layerRoute')}
        </div>
      </div>
    </div>
  );
}
