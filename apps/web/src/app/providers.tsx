"use client";
/** Client-side providers: the tab's QueryClient and the motion preference. */
import { MotionPreferenceProvider } from "@chiron/ui";
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useAnimationsSetting } from "@/features/motion/animations-setting";
import { getQueryClient } from "@/lib/query-client";

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [animations] = useAnimationsSetting();
  return (
    <QueryClientProvider client={queryClient}>
      <MotionPreferenceProvider enabled={animations}>{children}</MotionPreferenceProvider>
    </QueryClientProvider>
  );
}
