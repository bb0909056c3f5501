"use client";
/** Client-side providers: the tab's QueryClient, the motion preference and the browser logger. */
import { MotionPreferenceProvider } from "@chiron/ui";
import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { useAnimationsSetting } from "@/features/motion/animations-setting";
import { log } from "@/lib/browser-log";
import { getQueryClient } from "@/lib/query-client";

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [animations] = useAnimationsSetting();
  useEffect(() => log.install(), []);
  // The page answers clicks from here on: end-to-end tests wait for it before they act.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <MotionPreferenceProvider enabled={animations}>{children}</MotionPreferenceProvider>
    </QueryClientProvider>
  );
}
