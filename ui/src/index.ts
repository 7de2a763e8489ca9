export * from './i18n/i18n';
export * from './colours';
export * from './hooks';
export * from './map/projection';
export * from './map/BaseMapLayer';
export * from './consultation/ConsultationThread';
export * from './consultation/useConsultation';
export { useConsultationWords } from './consultation/words';
