// Typed global component declarations for the admin-realtime tags (props from the element classes,
// `realtime-*` events with a typed `detail`), for vue-tsc and the editor in App.vue's template.
import type {} from 'admin-realtime/vue';
