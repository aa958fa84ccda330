// Registers every admin-realtime element before Vue mounts, so Vue sees their properties.
import 'admin-realtime';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
