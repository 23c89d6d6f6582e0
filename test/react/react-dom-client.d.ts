// react-dom ships no types and @types/react-dom is not a dependency: the two calls the hook test makes.
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';
  export function createRoot(container: Element): { render(children: ReactNode): void; unmount(): void };
}
