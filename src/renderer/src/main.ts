import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { api } from './api/instance';
import { useRuns } from './stores/runs';

const app = createApp(App).use(createPinia());
useRuns().attach(api);
app.mount('#app');
