import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prewarm } from '../client/analysis-client';
import { App } from './App';
import './styles.css';

prewarm();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
